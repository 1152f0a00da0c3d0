// The libFuzzer target: the fuzzer's bytes decoded into a sequence (model.hpp), replayed
// against the run-time validator and the reference model; a disagreement aborts with the
// sequence printed. Built with clang only (-fsanitize=fuzzer,address,undefined); see
// docs/testing.md for how to run it.
//
// Bytes: [threads-1 (mod 3)] [objects-2 (mod 11)] one byte per object (kind: bits 0-1,
// family: bits 2-6 mod 5, the family's shared class: bit 7), then two bytes per op
// (thread: mod threads; kind: the rest mod 14; object: bits 0-6 mod objects; bit 7:
// unlock_shared, or lock_nested's subclass 2 rather than 1); a lock_all takes two bytes
// more, each a further member (mod objects) when below 0x80. At most 47 ops; invalid
// combinations are mapped onto valid ones (fuzz::normalize).
#include "replay.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

namespace {

constexpr unsigned max_threads = 3;
constexpr std::size_t max_ops = 47;  // fewer than LOCKORDER_MAX_HELD: every lock is recorded

bool decode(const std::uint8_t* data, std::size_t size, fuzz::sequence& s) {
  if (size < 2) return false;
  s.threads = 1 + data[0] % max_threads;
  const std::size_t nobj = 2 + data[1] % 11;
  if (size < 2 + nobj) return false;
  for (std::size_t i = 0; i < nobj; ++i) {
    const std::uint8_t b = data[2 + i];
    s.objects.push_back({static_cast<fuzz::obj_kind>(b & 3),
                         static_cast<std::uint8_t>(((b >> 2) & 31) % fuzz::family_count),
                         (b & 0x80) != 0 && (b & 3) != 3});  // completions: own class
  }
  for (std::size_t at = 2 + nobj; at + 1 < size && s.ops.size() < max_ops; at += 2) {
    const std::uint8_t a = data[at], b = data[at + 1];
    fuzz::op o{static_cast<std::uint8_t>(a % s.threads),
               static_cast<fuzz::op_kind>((a / max_threads) % fuzz::op_kind_count),
               static_cast<std::uint8_t>((b & 0x7f) % nobj), (b & 0x80) != 0};
    o.sub = o.shared;
    if (o.kind == fuzz::op_kind::lock_all)
      for (int k = 0; k < 2 && at + 2 < size; ++k, ++at)
        if (data[at + 2] < 0x80) o.more[o.n_more++] = static_cast<std::uint8_t>(data[at + 2] % nobj);
    s.ops.push_back(fuzz::normalize(o, s.objects));
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static fuzz::replayer r(max_threads);
  fuzz::sequence s;
  if (!decode(data, size, s)) return 0;
  const fuzz::outcome res = r.run(s);
  if (res.ok) return 0;
  std::fprintf(stderr, "lockorder fuzz: the validator and the model disagree at op %zu: %s\n%s",
               res.failed_at, res.what.c_str(), fuzz::describe(s).c_str());
  const fuzz::sequence small = fuzz::shrink(r, s);
  const fuzz::outcome again = r.run(small);
  std::fprintf(stderr, "shrunk to:\n%sfails at op %zu: %s\n", fuzz::describe(small).c_str(),
               again.failed_at, again.what.c_str());
  std::abort();
}
