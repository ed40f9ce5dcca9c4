// The isolation helper: `stoq --stoq-isolation-helper <socket fd> <parent pid>`, spawned
// by IsolatedPlugin (never by a user). It loads one plugin through the catalog with the
// options the parent resolved, activates it, then serves calls over the socket
// (isolation/protocol.hpp) until the parent closes it. Its stdout is stderr: a plugin
// that prints cannot corrupt results.
#pragma once

namespace stoq::isolation {

/// True when `argv` asks for the helper mode; main() then returns helper_main().
bool is_helper_invocation(int argc, char** argv);

/// Runs the helper; returns the process exit status.
int helper_main(int argc, char** argv);

}  // namespace stoq::isolation
