// Internal to core/src/lesson: the parts of reading a lesson that
// LessonChecks.cpp holds (a step's reference checks; whether each step shows
// what it needs), called by Lesson.cpp's parser.
#pragma once

#include "traveller/core/lesson/Lesson.h"

#include <yaml-cpp/yaml.h>

#include <string>
#include <vector>

namespace traveller::lesson {

std::vector<LessonCheck> parseLessonChecks(const YAML::Node& node, const std::string& key);
// Throws ConfigError at the entry of `node` (the step's YAML) at fault.
void checkLessonStep(const Lesson& lesson, const LessonStep& step, const YAML::Node& node, const std::string& key);

} // namespace traveller::lesson
