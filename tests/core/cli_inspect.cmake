# traveller-cli inspect on a checkpoint file and on a run of the library:
# one JSON object with a step per character, the gates the cell declares,
# saliency; clear refusals for what cannot be inspected.
cmake_policy(SET CMP0054 NEW)
set(lib ${WORK}/inspect-library)
file(REMOVE_RECURSE ${lib})
set(ckpt ${WORK}/inspect-lstm.pt)
execute_process(COMMAND ${CLI} train book-lstm --set train.epochs=3 --set model.hidden=24 --set sample.every=0
                        --device cpu --threads 2 --quiet --checkpoint ${ckpt} --library ${lib}
                RESULT_VARIABLE rc OUTPUT_QUIET ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "train failed (${rc}): ${err}")
endif()

foreach(source ${ckpt} 1)
  execute_process(COMMAND ${CLI} inspect ${source} --text "time traveller" --top 3 --library ${lib}
                  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "inspect ${source} failed (${rc}): ${err}")
  endif()
  string(JSON arch GET "${out}" arch)
  string(JSON hidden GET "${out}" hidden)
  string(JSON steps LENGTH "${out}" steps)
  string(JSON saliency LENGTH "${out}" saliency)
  string(JSON perplexity GET "${out}" perplexity)
  if(NOT arch STREQUAL "lstm" OR NOT hidden EQUAL 24 OR NOT steps EQUAL 14 OR NOT saliency EQUAL 13)
    message(FATAL_ERROR "inspect ${source}: arch ${arch}, hidden ${hidden}, ${steps} steps, ${saliency} saliency rows")
  endif()
  if(NOT perplexity GREATER 1)
    message(FATAL_ERROR "inspect ${source}: perplexity ${perplexity}")
  endif()
  string(JSON first GET "${out}" steps 0)
  string(JSON char GET "${first}" char)
  string(JSON next GET "${first}" next)
  string(JSON top LENGTH "${first}" top)
  string(JSON h LENGTH "${first}" layers 0 h)
  string(JSON c LENGTH "${first}" layers 0 c)
  string(JSON gates GET "${first}" layers 0 gates)
  string(JSON f LENGTH "${gates}" f)
  if(NOT char STREQUAL "t" OR NOT next STREQUAL "i" OR NOT top EQUAL 3 OR NOT h EQUAL 24 OR NOT c EQUAL 24 OR NOT f EQUAL 24)
    message(FATAL_ERROR "inspect ${source}: bad first step ${first}")
  endif()
  foreach(gate i f g o)
    string(JSON ignored ERROR_VARIABLE missing GET "${gates}" ${gate})
    if(missing)
      message(FATAL_ERROR "inspect ${source}: no LSTM gate ${gate} in ${gates}")
    endif()
  endforeach()
  string(JSON last GET "${out}" steps 13)
  string(JSON lastNext ERROR_VARIABLE none GET "${last}" next)
  if(NOT none)
    message(FATAL_ERROR "the last character has no next: ${last}")
  endif()
  string(JSON row LENGTH "${out}" saliency 12)
  if(NOT row EQUAL 13)
    message(FATAL_ERROR "saliency[12] covers 13 inputs, got ${row}")
  endif()
endforeach()

execute_process(COMMAND ${CLI} inspect ${ckpt} --text "time" --no-saliency RESULT_VARIABLE rc OUTPUT_VARIABLE out)
string(JSON s ERROR_VARIABLE none GET "${out}" saliency)
if(NOT rc EQUAL 0 OR NOT none)
  message(FATAL_ERROR "--no-saliency still printed saliency (rc ${rc})")
endif()

# Saliency grows with the square of the text: past 300 characters it is left
# out, saying so on stderr, unless --saliency-chars asks for it.
string(REPEAT "the time traveller " 16 long)  # 304 characters
execute_process(COMMAND ${CLI} inspect ${ckpt} --text "${long}" RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
string(JSON s ERROR_VARIABLE none GET "${out}" saliency)
string(JSON steps LENGTH "${out}" steps)
if(NOT rc EQUAL 0 OR NOT none OR NOT steps EQUAL 304 OR NOT err MATCHES "saliency left out: the text has 304 characters.*--saliency-chars 304")
  message(FATAL_ERROR "a 304-character text: rc ${rc}, ${steps} steps, saliency error '${none}', stderr: ${err}")
endif()
execute_process(COMMAND ${CLI} inspect ${ckpt} --text "${long}" --saliency-chars 304 RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
string(JSON rows LENGTH "${out}" saliency)
if(NOT rc EQUAL 0 OR NOT rows EQUAL 303 OR err MATCHES "left out")
  message(FATAL_ERROR "--saliency-chars 304: rc ${rc}, ${rows} saliency rows, stderr: ${err}")
endif()

function(expect_failure expected_rc pattern)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL ${expected_rc} OR NOT err MATCHES "${pattern}")
    message(FATAL_ERROR "expected exit ${expected_rc} and '${pattern}' for ${ARGN}, got ${rc}: ${err}")
  endif()
endfunction()
expect_failure(1 "no such checkpoint file" ${CLI} inspect ${WORK}/nothing.pt --text abc)
expect_failure(1 "no run 99|99" ${CLI} inspect 99 --text abc --library ${lib})
expect_failure(2 "--top must be a whole number" ${CLI} inspect ${ckpt} --text abc --top 0)
expect_failure(2 "--text must not be empty|--text: 1 required" ${CLI} inspect ${ckpt} --text "")
expect_failure(2 "text is required" ${CLI} inspect ${ckpt})
expect_failure(2 "--saliency-chars must be a whole number" ${CLI} inspect ${ckpt} --text abc --saliency-chars lots)

# The text from a file (--text-file FILE) or standard input (--text-file -):
# the same JSON as --text, apart from the time the reading took.
function(without_seconds json out)
  string(REGEX REPLACE "\"seconds\":[^}]*}[ \t\r\n]*$" "\"seconds\":0}" stripped "${json}")
  set(${out} "${stripped}" PARENT_SCOPE)
endfunction()
file(WRITE ${WORK}/inspect-text.txt "time traveller")
execute_process(COMMAND ${CLI} inspect ${ckpt} --text "time traveller" --top 3 RESULT_VARIABLE rc OUTPUT_VARIABLE byText)
execute_process(COMMAND ${CLI} inspect ${ckpt} --text-file ${WORK}/inspect-text.txt --top 3
                RESULT_VARIABLE fileRc OUTPUT_VARIABLE byFile ERROR_VARIABLE err)
execute_process(COMMAND ${CLI} inspect ${ckpt} --text-file - --top 3 INPUT_FILE ${WORK}/inspect-text.txt
                RESULT_VARIABLE stdinRc OUTPUT_VARIABLE byStdin ERROR_VARIABLE stdinErr TIMEOUT 120)
without_seconds("${byText}" byText)
without_seconds("${byFile}" byFile)
without_seconds("${byStdin}" byStdin)
if(NOT rc EQUAL 0 OR NOT fileRc EQUAL 0 OR NOT stdinRc EQUAL 0)
  message(FATAL_ERROR "--text ${rc}, --text-file ${fileRc} (${err}), --text-file - ${stdinRc} (${stdinErr})")
endif()
if(NOT byFile STREQUAL byText OR NOT byStdin STREQUAL byText)
  message(FATAL_ERROR "--text-file or standard input gave other JSON than --text:\n${byText}\n${byFile}\n${byStdin}")
endif()

# More than one argument can hold (128 KiB, E2BIG): 160 KiB through a pipe,
# the JSON (~260 MB) counted as it streams out, never held.
string(REPEAT "the time traveller for so it will be convenient to speak of him " 2560 big)  # 163,840 characters
file(WRITE ${WORK}/inspect-160k.txt "${big}")
execute_process(COMMAND ${CMAKE_COMMAND} -E cat ${WORK}/inspect-160k.txt
                COMMAND ${CLI} inspect ${ckpt} --text-file - --no-saliency
                COMMAND wc -c
                RESULTS_VARIABLE rcs OUTPUT_VARIABLE bytes ERROR_VARIABLE err TIMEOUT 300)
string(STRIP "${bytes}" bytes)
if(NOT rcs STREQUAL "0;0;0" OR bytes LESS 100000000)
  message(FATAL_ERROR "160 KiB from a pipe: exit statuses ${rcs}, ${bytes} bytes of JSON: ${err}")
endif()

# What cannot be a text file is refused at once, saying why: a FIFO (it would
# wait for a writer forever; TIMEOUT turns a hang into a failure), a folder,
# a file over the limit (on standard input too), an empty file; and only one
# of --text and --text-file.
set(fifo ${WORK}/inspect-fifo)
file(REMOVE ${fifo})
execute_process(COMMAND mkfifo ${fifo} RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "mkfifo failed: ${rc}")
endif()
string(TIMESTAMP before "%s")
execute_process(COMMAND ${CLI} inspect ${ckpt} --text-file ${fifo}
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err TIMEOUT 20)
string(TIMESTAMP after "%s")
file(REMOVE ${fifo})
math(EXPR took "${after} - ${before}")
if(NOT rc EQUAL 1 OR NOT err MATCHES "inspect-fifo: is a FIFO \\(named pipe\\), not a regular file" OR took GREATER 10)
  message(FATAL_ERROR "a FIFO as --text-file: exit ${rc} after ${took} s: ${err}")
endif()
string(REPEAT "abcdefghijklmnop" 16384 limit)  # 256 KiB, the limit: one byte more is refused
file(WRITE ${WORK}/inspect-too-big.txt "${limit}x")
expect_failure(1 "inspect-too-big.txt: is larger than the limit of 256 KiB"
               ${CLI} inspect ${ckpt} --text-file ${WORK}/inspect-too-big.txt)
execute_process(COMMAND ${CLI} inspect ${ckpt} --text-file - INPUT_FILE ${WORK}/inspect-too-big.txt
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err TIMEOUT 60)
if(NOT rc EQUAL 1 OR NOT err MATCHES "standard input: is larger than the limit of 256 KiB" OR NOT out STREQUAL "")
  message(FATAL_ERROR "over 256 KiB on standard input: exit ${rc}: ${err}")
endif()
file(REMOVE ${WORK}/inspect-too-big.txt ${WORK}/inspect-160k.txt)
expect_failure(1 "is a folder, not a regular file" ${CLI} inspect ${ckpt} --text-file ${WORK})
file(WRITE ${WORK}/inspect-empty.txt "")
expect_failure(1 "inspect-empty.txt: holds no text to inspect" ${CLI} inspect ${ckpt} --text-file ${WORK}/inspect-empty.txt)
expect_failure(1 "nothing-here.txt: no such file" ${CLI} inspect ${ckpt} --text-file ${WORK}/nothing-here.txt)
expect_failure(2 "excludes" ${CLI} inspect ${ckpt} --text abc --text-file ${WORK}/inspect-text.txt)
expect_failure(2 "--text-file must not be empty|--text-file: 1 required" ${CLI} inspect ${ckpt} --text-file "")
file(REMOVE ${WORK}/inspect-text.txt ${WORK}/inspect-empty.txt)
