// The embedding project's library: a lock of its own behind a function.
#pragma once

#include <lockorder/lockorder.hpp>

LOCKORDER_CLASS(app_table_lock, 10);

/// Adds one to the table's count, under its lock, and returns the new count.
int app_bump(lockorder::context_before<app_table_lock> ctx);
