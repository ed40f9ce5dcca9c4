// exiv2 0.27's headers, whose Image::AutoPtr and Value::AutoPtr are std::auto_ptr
// (deprecated in C++11, kept by libstdc++): its deprecation warnings are silenced here
// and around the few places this plugin holds one.
#pragma once

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
#include <exiv2/exiv2.hpp>
#pragma GCC diagnostic pop
