# traveller-cli bleu on two tiny token files: the worked example of S2sTest's
# CorpusBleuClassicExample (BLEU-4 = (5/7 * 1/2 * 1/5 * 1/8)^(1/4) = 0.30735).
file(WRITE ${WORK}/hyp.txt "the cat the cat on the mat\nva !\n")
file(WRITE ${WORK}/ref.txt "the cat is on the mat\nva !\n")
execute_process(COMMAND ${CLI} bleu --hyp ${WORK}/hyp.txt --ref ${WORK}/ref.txt
                OUTPUT_VARIABLE out RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "bleu exited ${rc}: ${out}")
endif()
if(NOT out MATCHES "\"line\":2,\"bleu\":1")
  message(FATAL_ERROR "second line should score 1: ${out}")
endif()
if(NOT out MATCHES "\"event\":\"corpus\",\"lines\":2")
  message(FATAL_ERROR "no corpus event: ${out}")
endif()
file(WRITE ${WORK}/short.txt "va !\n")
execute_process(COMMAND ${CLI} bleu --hyp ${WORK}/short.txt --ref ${WORK}/ref.txt
                ERROR_VARIABLE err RESULT_VARIABLE rc)
if(rc EQUAL 0 OR NOT err MATCHES "must pair line by line")
  message(FATAL_ERROR "mismatched files should fail with a clear message (rc ${rc}): ${err}")
endif()
# Folders are not token files: a clear refusal, not 0 lines and BLEU 0.
execute_process(COMMAND ${CLI} bleu --hyp ${WORK} --ref ${WORK}
                ERROR_VARIABLE err RESULT_VARIABLE rc)
if(rc EQUAL 0 OR NOT err MATCHES "is a folder")
  message(FATAL_ERROR "bleu on folders should fail naming them (rc ${rc}): ${err}")
endif()
# A FIFO is refused at once, not read until a writer comes.
file(REMOVE ${WORK}/hyp.fifo)
execute_process(COMMAND mkfifo ${WORK}/hyp.fifo RESULT_VARIABLE made)
if(made EQUAL 0)
  execute_process(COMMAND ${CLI} bleu --hyp ${WORK}/hyp.fifo --ref ${WORK}/ref.txt
                  ERROR_VARIABLE err RESULT_VARIABLE rc TIMEOUT 30)
  if(rc EQUAL 0 OR NOT err MATCHES "FIFO")
    message(FATAL_ERROR "bleu on a FIFO should fail at once naming it (rc ${rc}): ${err}")
  endif()
  file(REMOVE ${WORK}/hyp.fifo)
endif()
