// Texts of the lab shared by its definition (Lab.cpp) and its translations
// (LabText.cpp). Internal to the core.
#pragma once

#include <string>

namespace traveller::lab {

// What a language-model step asks ("RNN", "GRU", "LSTM"), in English.
std::string languageModelWhat(const std::string& title);

} // namespace traveller::lab
