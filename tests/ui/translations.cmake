# Every tr() text of the window is in the Simplified Chinese translation and
# none is unfinished: lupdate run over the sources into a copy of the .ts adds
# any text the file lacks as "unfinished", and the count must be 0.
file(MAKE_DIRECTORY ${WORK})
configure_file(${TS} ${WORK}/check.ts COPYONLY)
# The core's message templates (core/src/Messages.cpp) are the window's texts too.
execute_process(COMMAND ${LUPDATE} -no-obsolete -locations none ${SOURCE}/ui/src ${SOURCE}/ui/include
                        ${SOURCE}/core/src/Messages.cpp -ts ${WORK}/check.ts
                OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "lupdate failed (${rc}): ${err}")
endif()
file(READ ${WORK}/check.ts ts)
string(REGEX MATCHALL "<message[ >]" messages "${ts}")
string(REGEX MATCHALL "type=\"unfinished\"" unfinished "${ts}")
string(REGEX MATCHALL "type=\"vanished\"|type=\"obsolete\"" gone "${ts}")
list(LENGTH messages n)
list(LENGTH unfinished u)
list(LENGTH gone g)
message(STATUS "traveller_zh_CN.ts: ${n} texts, ${u} unfinished, ${g} no longer in the sources")
if(n LESS 100)
  message(FATAL_ERROR "only ${n} texts: lupdate did not read the sources")
endif()
if(u GREATER 0)
  string(REGEX MATCHALL "<source>[^<]*</source>[ \n]*<translation type=\"unfinished\"" missing "${ts}")
  message(FATAL_ERROR "${u} text(s) of the window are not translated (run `cmake --build build --target lupdate`, "
                      "then translate them in resources/translations/traveller_zh_CN.ts):\n${missing}")
endif()
