#include "app.hpp"

namespace {
lockorder::mutex<app_table_lock> table;
int count = 0;
}  // namespace

int app_bump(lockorder::context_before<app_table_lock> ctx) {
  auto g = ctx.lock(table);
  return ++count;
}
