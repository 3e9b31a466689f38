# traveller-cli translate on the book preset for two epochs: JSON Lines with an
# epoch event per epoch and a done event carrying translations and BLEU figures.
execute_process(COMMAND ${CLI} translate book-seq2seq --set train.epochs=2 --set data.heldout=10
                        --every-epoch --quiet --threads 1 --beam-table 1,3
                OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "translate exited ${rc}: ${err}")
endif()
foreach(expected "\"event\":\"epoch\",\"epoch\":2,\"loss\":" "\"event\":\"done\",\"status\":\"finished\""
                 "\"source\":\"i'm home .\"" "\"corpus_bleu\":" "\"heldout_bleu\":" "\"heldout_pairs\":10"
                 "\"heldout_by_length\":" "\"event\":\"beam\",\"beam\":1,\"corpus_bleu\":"
                 "\"event\":\"beam\",\"beam\":3,\"corpus_bleu\":")
  string(FIND "${out}" "${expected}" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "missing ${expected} in:\n${out}")
  endif()
endforeach()
execute_process(COMMAND ${CLI} translate book-seq2seq --set model.cell=transformer
                ERROR_VARIABLE err RESULT_VARIABLE rc)
if(NOT rc EQUAL 1 OR NOT err MATCHES "model.cell: expected one of rnn\\|gru\\|lstm")
  message(FATAL_ERROR "a bad --set should name the key (rc ${rc}): ${err}")
endif()
# A width that is not a whole number from 1 is bad usage, before any training.
execute_process(COMMAND ${CLI} translate book-seq2seq --beam-table 2,0
                ERROR_VARIABLE err RESULT_VARIABLE rc)
if(NOT rc EQUAL 2 OR NOT err MATCHES "--beam-table")
  message(FATAL_ERROR "--beam-table 2,0 should be refused with exit 2 (rc ${rc}): ${err}")
endif()
