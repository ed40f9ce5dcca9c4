// stdout as the results stream (stoq::write_output, plugin.hpp): one lock for every
// document. What the engine needs to know about it (stoq::output::stdout_closed_by_reader,
// hold_stdout) is declared in the SDK header, as libstoq.so exports only the SDK.
#pragma once

#include "stoq/plugin.hpp"
