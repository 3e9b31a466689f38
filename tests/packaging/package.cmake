# The Debian package, built and checked as a student's machine would get it:
# its file list, its Depends, the desktop entry and AppStream metainfo
# validators, lintian (no errors), and the unpacked traveller-cli listing its
# presets and training 2 epochs from the package's own files.
file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK})
execute_process(COMMAND ${CPACK} --config ${BUILD}/CPackConfig.cmake -B ${WORK}
                OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "cpack failed (${rc}):\n${out}\n${err}")
endif()
file(GLOB debs ${WORK}/traveller_*.deb)
list(LENGTH debs n)
if(NOT n EQUAL 1)
  message(FATAL_ERROR "expected one traveller_*.deb in ${WORK}, found: ${debs}")
endif()
list(GET debs 0 deb)
message(STATUS "package: ${deb}")

execute_process(COMMAND dpkg-deb -c ${deb} OUTPUT_VARIABLE listing RESULT_VARIABLE rc)
set(app io.github.traveller.Traveller)
foreach(expected ./usr/bin/traveller ./usr/bin/traveller-cli ./usr/share/traveller/presets/book-gru.yaml
        ./usr/share/traveller/presets/sweeps/lab-rnn-lr.yaml ./usr/share/applications/${app}.desktop
        ./usr/share/metainfo/${app}.metainfo.xml ./usr/share/icons/hicolor/scalable/apps/${app}.svg
        ./usr/share/icons/hicolor/48x48/apps/${app}.png ./usr/share/icons/hicolor/256x256/apps/${app}.png
        ./usr/share/man/man1/traveller-cli.1.gz ./usr/share/doc/traveller/copyright
        ./usr/share/doc/traveller/changelog.gz ./usr/share/traveller/lessons/why-gates.traveller-lesson
        ./usr/share/traveller/lessons/temperature.traveller-lesson
        ./usr/share/traveller/lessons/teacher-forcing-and-beam-search.traveller-lesson
        ./usr/share/mime/packages/${app}.xml)
  string(FIND "${listing}" "${expected}" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "the package lacks ${expected}:\n${listing}")
  endif()
endforeach()
if(listing MATCHES "timemachine.txt|fra.txt")
  message(FATAL_ERROR "the package ships a corpus:\n${listing}")
endif()
execute_process(COMMAND dpkg-deb -f ${deb} Depends OUTPUT_VARIABLE depends)
foreach(expected libopenblas0-openmp libqt6widgets6 libtorch)
  if(NOT depends MATCHES "${expected}")
    message(FATAL_ERROR "Depends lacks ${expected}: ${depends}")
  endif()
endforeach()

set(root ${WORK}/root)
execute_process(COMMAND dpkg-deb -x ${deb} ${root} RESULT_VARIABLE rc)
execute_process(COMMAND desktop-file-validate ${root}/usr/share/applications/${app}.desktop
                OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE rc)
if(NOT rc EQUAL 0 OR out MATCHES "error")
  message(FATAL_ERROR "desktop-file-validate (${rc}):\n${out}${err}")
endif()
execute_process(COMMAND appstreamcli validate --no-net ${root}/usr/share/metainfo/${app}.metainfo.xml
                OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "appstreamcli validate (${rc}):\n${out}${err}")
endif()
execute_process(COMMAND lintian --fail-on error --suppress-tags-from-file /dev/null ${deb}
                OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE rc)
message(STATUS "lintian:\n${out}")
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "lintian reports errors (${rc}):\n${out}${err}")
endif()

# The unpacked program finds its presets beside itself (share/traveller).
execute_process(COMMAND ${root}/usr/bin/traveller-cli presets OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE rc)
if(NOT rc EQUAL 0 OR NOT out MATCHES "book-gru" OR NOT out MATCHES "${root}/usr/share/traveller/presets")
  message(FATAL_ERROR "the packaged traveller-cli does not list its own presets (${rc}):\n${out}${err}")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} -E env TRAVELLER_HOME=${WORK}/home
                ${root}/usr/bin/traveller-cli train book-gru --set train.epochs=2 --threads 2 --quiet
                OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE rc)
if(NOT rc EQUAL 0 OR NOT out MATCHES "\"event\":\"done\",\"status\":\"finished\",\"epochs\":2")
  message(FATAL_ERROR "the packaged traveller-cli did not train 2 epochs (${rc}):\n${out}${err}")
endif()
# A double-click opens a lesson: the desktop entry takes its MIME type, the
# type's glob is *.traveller-lesson, and the packaged program checks the
# packaged lessons against its own presets.
file(READ ${root}/usr/share/applications/${app}.desktop desktop)
if(NOT desktop MATCHES "MimeType=[^\n]*application/x-traveller-lesson;")
  message(FATAL_ERROR "the desktop entry does not open lessons:\n${desktop}")
endif()
file(READ ${root}/usr/share/mime/packages/${app}.xml mime)
if(NOT mime MATCHES "type=\"application/x-traveller-lesson\"" OR NOT mime MATCHES "pattern=\"\\*\\.traveller-lesson\"")
  message(FATAL_ERROR "the MIME type of lessons is wrong:\n${mime}")
endif()
find_program(UPDATE_MIME update-mime-database)
if(UPDATE_MIME)
  execute_process(COMMAND ${UPDATE_MIME} ${root}/usr/share/mime RESULT_VARIABLE rc ERROR_VARIABLE err)
  file(READ ${root}/usr/share/mime/globs2 globs)
  if(NOT rc EQUAL 0 OR NOT globs MATCHES "application/x-traveller-lesson:\\*\\.traveller-lesson")
    message(FATAL_ERROR "update-mime-database does not take the lesson type (${rc}):\n${err}${globs}")
  endif()
endif()
file(GLOB lessons ${root}/usr/share/traveller/lessons/*.traveller-lesson)
execute_process(COMMAND ${root}/usr/bin/traveller-cli lesson check ${lessons}
                OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "the packaged lessons do not check (${rc}):\n${out}${err}")
endif()
execute_process(COMMAND ${root}/usr/bin/traveller-cli lesson list OUTPUT_VARIABLE out RESULT_VARIABLE rc)
if(NOT rc EQUAL 0 OR NOT out MATCHES "${root}/usr/share/traveller/lessons/why-gates")
  message(FATAL_ERROR "the packaged traveller-cli does not find its own lessons (${rc}):\n${out}")
endif()
file(REMOVE_RECURSE ${root})
