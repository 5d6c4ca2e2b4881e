# Helpers that give every hnbsec target the same warnings, sanitizer flags and
# test registration, so a folder's CMakeLists.txt only lists sources.

set(HNBSEC_WARNINGS -Wall -Wextra -Werror -Wshadow -Wnon-virtual-dtor -Wold-style-cast
                    -Wcast-align -Wunused -Woverloaded-virtual
                    -Wimplicit-fallthrough)

function(hnbsec_apply_common target)
  target_compile_options(${target} PRIVATE ${HNBSEC_WARNINGS})
  target_include_directories(${target} PUBLIC ${PROJECT_SOURCE_DIR})
  if(HNBSEC_SANITIZE)
    target_compile_options(${target} PRIVATE -fsanitize=address,undefined -fno-omit-frame-pointer
                                             -fno-sanitize-recover=undefined)
    target_link_options(${target} PRIVATE -fsanitize=address,undefined)
  endif()
endfunction()

# hnbsec_library(NAME src... LIBS dep...)
function(hnbsec_library name)
  cmake_parse_arguments(ARG "" "" "LIBS" ${ARGN})
  add_library(${name} STATIC ${ARG_UNPARSED_ARGUMENTS})
  hnbsec_apply_common(${name})
  if(HNBSEC_FUZZ)
    # Coverage feedback for the libFuzzer targets that link this library.
    target_compile_options(${name} PRIVATE -fsanitize=fuzzer-no-link)
  endif()
  target_link_libraries(${name} PUBLIC ${ARG_LIBS})
endfunction()

# hnbsec_executable(NAME src... LIBS dep...)
function(hnbsec_executable name)
  cmake_parse_arguments(ARG "" "" "LIBS" ${ARGN})
  add_executable(${name} ${ARG_UNPARSED_ARGUMENTS})
  hnbsec_apply_common(${name})
  target_link_libraries(${name} PRIVATE ${ARG_LIBS})
endfunction()

# hnbsec_unit_test(NAME src... LIBS dep... [LABELS l...] [ONE_PROCESS])
# GoogleTest binary, each TEST registered with CTest under label "unit" (or the one LABELS value).
# ONE_PROCESS registers the binary as a single CTest test instead: for suites that share an
# expensive fixture (a generated PKI) that would otherwise be rebuilt in every test's process.
function(hnbsec_unit_test name)
  cmake_parse_arguments(ARG "ONE_PROCESS" "" "LIBS;LABELS" ${ARGN})
  add_executable(${name} ${ARG_UNPARSED_ARGUMENTS})
  hnbsec_apply_common(${name})
  target_link_libraries(${name} PRIVATE ${ARG_LIBS} GTest::gtest_main GTest::gmock)
  # One label per binary: gtest_discover_tests cannot carry a list through PROPERTIES.
  # A binary that talks to an independent peer (tshark, openssl) is "interop", else "unit".
  set(label unit)
  if(ARG_LABELS)
    set(label ${ARG_LABELS})
  endif()
  if(ARG_ONE_PROCESS)
    add_test(NAME ${name} COMMAND ${name})
    set_tests_properties(${name} PROPERTIES LABELS ${label} TIMEOUT 600)
  else()
    gtest_discover_tests(${name} DISCOVERY_TIMEOUT 60 PROPERTIES LABELS ${label} TIMEOUT 120)
  endif()
endfunction()

# hnbsec_pytest(NAME DIR [LABELS l...] [ENV k=v...])
# Runs a pytest folder with Debian's interpreter; the built hnbsec binaries are on PATH.
function(hnbsec_pytest name dir)
  cmake_parse_arguments(ARG "" "" "LABELS;ENV" ${ARGN})
  add_test(NAME ${name}
           COMMAND ${Python3_EXECUTABLE} -m pytest -q -p no:cacheprovider ${dir})
  set_tests_properties(${name} PROPERTIES
    LABELS "${ARG_LABELS}"
    TIMEOUT 600
    ENVIRONMENT "HNBSEC_BIN_DIR=${PROJECT_BINARY_DIR}/bin;HNBSEC_SOURCE_DIR=${PROJECT_SOURCE_DIR};${ARG_ENV}")
endfunction()
