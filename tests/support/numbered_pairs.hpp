// Many lock classes at once, for tests that fill a validator table: numbered<N>::cls is
// a class per N, and take_pairs() takes each consecutive pair of a sequence of them
// (one new dependency and one new held sequence per pair).
#pragma once

#include <lockorder/lockorder.hpp>

#include <mutex>
#include <tuple>
#include <utility>

template <int N>
struct numbered {
  LOCKORDER_CLASS(cls);
};

template <int... I>
void take_pairs(std::integer_sequence<int, I...>) {
  static std::tuple<lockorder::mutex<typename numbered<I>::cls>...> locks;
  auto pair = [&]<int K>() {
    if constexpr (K + 1 < static_cast<int>(sizeof...(I))) {
      std::lock_guard g(std::get<K>(locks));
      std::lock_guard h(std::get<K + 1>(locks));
    }
  };
  (pair.template operator()<I>(), ...);
}
