// Built against the installed app package, lockorder inside it: the app's header, its
// library, lockorder's headers and validator library from app's export set.
#include <app.hpp>

#include <cstdio>

int main() {
  app_bump(lockorder::unlocked());
  std::printf("app user: count %d, lockorder from the app's export set\n",
              app_bump(lockorder::unlocked()));
  return 0;
}
