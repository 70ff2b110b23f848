# Writes OUTPUT (version.cc, csm::Version()) from TEMPLATE: the project VERSION, plus
# " (git <short revision>)" when SOURCE_DIR is a git checkout and GIT can read it. Run by the
# build at every build (cmake -P); configure_file rewrites OUTPUT only when its text changes, so
# an unchanged HEAD recompiles nothing and a new HEAD recompiles this one file.
#
# Usage: cmake -DVERSION=X.Y.Z -DSOURCE_DIR=DIR -DGIT=PATH_OR_EMPTY -DTEMPLATE=IN -DOUTPUT=CC
#        -P version.cmake
set(CSM_VERSION_STRING "${VERSION}")
if(GIT AND EXISTS "${SOURCE_DIR}/.git")
  execute_process(
    COMMAND "${GIT}" -C "${SOURCE_DIR}" rev-parse --short HEAD
    OUTPUT_VARIABLE revision
    OUTPUT_STRIP_TRAILING_WHITESPACE
    RESULT_VARIABLE failed
    ERROR_QUIET)
  if(NOT failed AND revision)
    string(APPEND CSM_VERSION_STRING " (git ${revision})")
  endif()
endif()
configure_file("${TEMPLATE}" "${OUTPUT}" @ONLY)
