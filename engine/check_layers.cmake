# Holds the folder PART of ENGINE_DIR to the dependencies its library declares
# (engine/CMakeLists.txt): a header may include only its own folder and PUBLIC ones, a source file
# also PRIVATE ones, and every folder declared must be included somewhere. Any other
# `#include "<folder>/..."` (an upward include) fails, naming the file, and the build with it.
# Usage: cmake -DENGINE_DIR=DIR -DPART=NAME "-DPUBLIC=a;b" "-DPRIVATE=c" [-DSTAMP=FILE]
#        -P check_layers.cmake  (STAMP is touched when the folder passes).
cmake_minimum_required(VERSION 3.25)
file(GLOB files "${ENGINE_DIR}/${PART}/*.h" "${ENGINE_DIR}/${PART}/*.cc")
set(problems "")
set(used "")
foreach(file IN LISTS files)
  file(STRINGS "${file}" includes REGEX "^#include \"[a-z_]+/")
  get_filename_component(name "${file}" NAME)
  foreach(line IN LISTS includes)
    string(REGEX REPLACE "^#include \"([a-z_]+)/.*" "\\1" folder "${line}")
    if(folder STREQUAL PART)
      continue()
    endif()
    list(APPEND used ${folder})
    if(folder IN_LIST PUBLIC)
      continue()
    endif()
    if(folder IN_LIST PRIVATE AND name MATCHES "\\.cc$")
      continue()
    endif()
    if(folder IN_LIST PRIVATE)
      string(APPEND problems "\n  ${PART}/${name} (a header) includes ${folder}/, which "
                             "${PART} links PRIVATE: make it PUBLIC")
    else()
      string(APPEND problems "\n  ${PART}/${name} includes ${folder}/, which ${PART} does not "
                             "depend on")
    endif()
  endforeach()
endforeach()
foreach(folder IN LISTS PUBLIC PRIVATE)
  if(NOT folder IN_LIST used)
    string(APPEND problems "\n  ${PART} declares ${folder} but includes nothing of it")
  endif()
endforeach()
if(problems)
  message(FATAL_ERROR "engine/${PART} breaks its declared dependencies (engine/CMakeLists.txt, "
                      "in the order of README.md's Architecture):${problems}")
endif()
if(STAMP)
  file(WRITE "${STAMP}" "")
endif()
