// Where the tests find the corpora: $TRAVELLER_DATA_DIR (CTest sets it to ../shared/data).
#pragma once

#include "traveller/core/DataStore.h"

#include <string>

namespace traveller::test {
inline std::string dataDir() { return resolveDataDir(""); }
} // namespace traveller::test
