// tests/bench/nest.hpp — the four-nested lock+unlock step that both hot-path benchmarks
// time (lock_bench.cpp with Google Benchmark, rt0_loop.cpp under callgrind). Always
// inlined: each benchmark's loop compiles as if the calls were written in it.
#pragma once

template <class A, class B, class C, class D>
[[gnu::always_inline]] inline void lock_unlock_nested4(A& a, B& b, C& c, D& d) {
  a.lock();
  b.lock();
  c.lock();
  d.lock();
  d.unlock();
  c.unlock();
  b.unlock();
  a.unlock();
}
