// stdout as the results stream (stoq::write_output, plugin.hpp): one lock for every
// document, and what the engine needs to know about it beyond a thrown error.
#pragma once

#include <chrono>

namespace stoq::output {

/// True once a write to stdout failed with EPIPE: whoever read it (`| head -1`) is gone,
/// and every later document would fail the same way.
bool stdout_closed_by_reader();

/// For an exit that does not wait for the run: waits up to `timeout` for a document being
/// printed to be printed whole, then keeps stdout locked so that no other one starts.
/// False when the wait timed out (stdout is blocked, e.g. a reader that stopped reading).
bool hold_stdout(std::chrono::milliseconds timeout);

}  // namespace stoq::output
