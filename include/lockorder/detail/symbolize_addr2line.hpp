// lockorder/detail/symbolize_addr2line.hpp — symbolize.hpp's fallback when libbacktrace
// is not linked (LOCKORDER_SYMBOLIZER=0, the header-only default): binutils' addr2line
// gives what libbacktrace would (the inline chain with file:line from the debug info,
// else the function from the ELF symbol table), with no flag, no library and no
// -rdynamic. Internal: not a stable interface. Included by symbolize.hpp only.
//
// addr2line runs as a server, as it is meant to ("-a", addresses on its standard input,
// an fflush after each answer): one process per module, started at the first look-up in
// it (posix_spawn: nothing of the program is copied), which reads the module's debug
// info once; then a look-up is a round trip on a socket (no SIGPIPE if it died). Each
// address is looked up once per process (cached, never freed); a forked child starts its
// own. A server that fails or answers nothing in 5 s is dropped, and dladdr() names what
// it can from then on, as when addr2line is not on PATH, or with
// LOCKORDER_OPTIONS=addr2line=0; LOCKORDER_ADDR2LINE=0 compiles it out. The servers end
// when the program does (end of input).
#pragma once

#include <lockorder/detail/options.hpp>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <dlfcn.h>
#include <elf.h>
#include <fcntl.h>
#include <link.h>
#include <pthread.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace lockorder::detail::rt {
inline namespace LOCKORDER_SYMBOLIZER_NS {
namespace sym {

struct addr2line_server {
  std::string module;
  pid_t pid = -1;  // -1: could not be started, or dropped
  int sock = -1;   // its standard input and output
  pid_t owner = 0;
  std::string pending;  // received, not yet returned by read_line()
};

struct addr2line_cache {
  std::mutex lock;
  std::unordered_map<std::uintptr_t, std::vector<resolved_frame>> frames;
  std::vector<addr2line_server> servers;
  bool off = false;  // addr2line is not on PATH, or LOCKORDER_OPTIONS said so
};

// The process's cache, made at the first look-up and never freed (reports can come from
// static destructors). fork(): the child must not inherit the lock held by another thread.
LOCKORDER_COLD addr2line_cache& a2l() {
  static addr2line_cache* const c = [] {
    auto* made = new addr2line_cache;
    pthread_atfork([] { a2l().lock.lock(); }, [] { a2l().lock.unlock(); },
                   [] { a2l().lock.unlock(); });
    for_each_option([&](std::string_view key, std::string_view value) {
      if (key == "addr2line") made->off = value == "0";
    });
    return made;
  }();
  return *c;
}

// addr2line -f -i output for one address: (function, file:line) pairs, innermost first.
// "??" is unknown; a file may be followed by " (discriminator N)".
LOCKORDER_COLD std::vector<resolved_frame> parse_addr2line(std::string_view out) {
  std::vector<resolved_frame> chain;
  while (!out.empty()) {
    const std::size_t e1 = out.find('\n');
    if (e1 == npos) break;
    const std::size_t e2 = out.find('\n', e1 + 1);
    std::string_view fn = out.substr(0, e1);
    std::string_view where = out.substr(e1 + 1, (e2 == npos ? out.size() : e2) - e1 - 1);
    out = e2 == npos ? std::string_view() : out.substr(e2 + 1);
    if (const std::size_t d = where.find(" (discriminator"); d != npos) where = where.substr(0, d);
    resolved_frame f;
    if (fn != "??") f.function = pretty(std::string(fn));
    const std::size_t colon = where.rfind(':');
    if (colon != npos && where.substr(0, colon) != "??") {
      f.file = std::string(where.substr(0, colon));
      f.line = static_cast<unsigned>(std::strtoul(std::string(where.substr(colon + 1)).c_str(),
                                                  nullptr, 10));
    }
    chain.push_back(std::move(f));
  }
  std::erase_if(chain, [](const resolved_frame& f) { return f.function.empty() && f.file.empty(); });
  // binutils names an inlined lambda's body after the function it is inlined into (the
  // chain's outermost, by its symbol). Through std::function that is the invoker, whose
  // last template argument is the lambda: name the body as libbacktrace and -O0 code do.
  if (chain.size() > 1 && chain[0].function.ends_with("::" + chain.back().function) &&
      chain[0].function.starts_with("std::_Function_handler<")) {
    const std::string& f = chain[0].function;
    int depth = 0;
    std::size_t last = npos, end = npos;
    for (std::size_t i = f.find('<'); i < f.size() && end == npos; ++i) {
      const char c = f[i];
      if (c == '<' || c == '(' || c == '{') {
        if (++depth == 1) last = i + 1;
      } else if (c == '>' || c == ')' || c == '}') {
        if (--depth == 0) end = i;
      } else if (c == ',' && depth == 1) {
        last = i + 1;
      }
    }
    if (end != npos) {
      std::string_view functor = std::string_view(f).substr(last, end - last);
      while (functor.starts_with(' ')) functor.remove_prefix(1);
      chain[0].function = std::string(functor) + "::operator()";
    }
  }
  return chain;
}

// Starts addr2line on `module`: 0, or -1 when it could not be started.
LOCKORDER_COLD int start_server(addr2line_server& srv) {
  int fds[2];
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0) return 1;
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fds[1], 0);
  posix_spawn_file_actions_adddup2(&actions, fds[1], 1);
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  char* argv[] = {const_cast<char*>("addr2line"), const_cast<char*>("-a"),
                  const_cast<char*>("-f"),        const_cast<char*>("-i"),
                  const_cast<char*>("-e"),        const_cast<char*>(srv.module.c_str()),
                  nullptr};
  pid_t pid = 0;
  const int spawned = posix_spawnp(&pid, "addr2line", &actions, nullptr, argv, environ);
  posix_spawn_file_actions_destroy(&actions);
  close(fds[1]);
  if (spawned != 0) {
    close(fds[0]);
    return -1;
  }
  srv.pid = pid;
  srv.sock = fds[0];
  srv.owner = getpid();
  return 0;
}

LOCKORDER_COLD void drop_server(addr2line_server& srv) {
  if (srv.sock >= 0) close(srv.sock);
  if (srv.pid > 0 && srv.owner == getpid()) {
    kill(srv.pid, SIGKILL);
    while (waitpid(srv.pid, nullptr, 0) < 0 && errno == EINTR) {
    }
  }
  srv.sock = srv.pid = -1;
}

// One line of the server's answer (without its newline), or false: it died or is silent.
LOCKORDER_COLD bool read_line(addr2line_server& srv, std::string& line) {
  for (;;) {
    if (const std::size_t nl = srv.pending.find('\n'); nl != npos) {
      line.assign(srv.pending, 0, nl);
      srv.pending.erase(0, nl + 1);
      return true;
    }
    pollfd p{srv.sock, POLLIN, 0};
    const int ready = poll(&p, 1, 5000);
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) return false;
    char buf[4096];
    const ssize_t n = recv(srv.sock, buf, sizeof buf, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    srv.pending.append(buf, static_cast<std::size_t>(n));
  }
}

// Asks the server about `offset`, then about 0, whose answer (after its "0x000..." line)
// ends ours: the answer's (function, file:line) lines in `out`. False: drop the server.
LOCKORDER_COLD bool ask_server(addr2line_server& srv, std::uintptr_t offset, std::string& out) {
  char query[48];
  const int len = std::snprintf(query, sizeof query, "0x%zx\n0x0\n", static_cast<std::size_t>(offset));
  for (int sent = 0; sent < len;) {
    const ssize_t n = send(srv.sock, query + sent, static_cast<std::size_t>(len - sent), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    sent += static_cast<int>(n);
  }
  std::string line;
  if (!read_line(srv, line) || !line.starts_with("0x")) return false;  // ours
  for (;;) {
    if (!read_line(srv, line)) return false;
    if (line.starts_with("0x") && line.find_first_not_of('0', 2) == npos) break;  // 0's
    (out += line) += '\n';
  }
  return read_line(srv, line) && read_line(srv, line);  // 0's "??" and "??:0"
}

// The inline chain at `lookup` (an address inside an instruction) from addr2line, or
// false (then the caller asks dladdr()).
LOCKORDER_COLD bool addr2line_frames(const void* lookup, std::vector<resolved_frame>& chain) {
  addr2line_cache& c = a2l();
  const auto key = reinterpret_cast<std::uintptr_t>(lookup);
  std::lock_guard<std::mutex> hold(c.lock);  // one look-up at a time: reports are rare
  if (c.off) return false;
  if (auto it = c.frames.find(key); it != c.frames.end()) {
    chain = it->second;
    return !chain.empty();
  }
  Dl_info info{};
  link_map* map = nullptr;
  std::vector<resolved_frame> found;
  if (dladdr1(const_cast<void*>(lookup), &info, reinterpret_cast<void**>(&map),
              RTLD_DL_LINKMAP) != 0 && map) {
    // The executable's link map has an empty name: /proc/self/exe names it (read here,
    // not in addr2line, where /proc/self is addr2line).
    std::string module = map->l_name && map->l_name[0] ? map->l_name : std::string();
    if (module.empty()) {
      char self[4096];
      const ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
      if (n > 0) module.assign(self, static_cast<std::size_t>(n));
    }
    // l_addr is the load bias: an address in the file's own terms (what addr2line takes,
    // for a position-independent module and a fixed-address executable alike).
    if (!module.empty() && module.find("linux-vdso") == npos) {
      addr2line_server* srv = nullptr;
      for (addr2line_server& s : c.servers)
        if (s.module == module) srv = &s;
      if (!srv) {
        srv = &c.servers.emplace_back();
        srv->module = module;
        if (start_server(*srv) < 0) c.off = true;  // not on PATH: dladdr() from now on
      } else if (srv->pid > 0 && srv->owner != getpid()) {  // a forked child: its own
        drop_server(*srv);
        if (start_server(*srv) < 0) c.off = true;
      }
      std::string out;
      if (srv->pid > 0 && srv->sock >= 0) {
        if (ask_server(*srv, key - map->l_addr, out)) found = parse_addr2line(out);
        else drop_server(*srv);
      }
    }
  }
  c.frames.emplace(key, found);
  chain = std::move(found);
  return !chain.empty();
}

}  // namespace sym
}  // namespace LOCKORDER_SYMBOLIZER_NS
}  // namespace lockorder::detail::rt
