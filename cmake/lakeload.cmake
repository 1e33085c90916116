# Helpers shared by the module and test CMakeLists.
#
# ll_module(NAME SOURCES... DEPS ...) builds src/<module> as a static library
# ll_<NAME> so that a module and its tests build without the rest of the tree.
function(ll_module name)
  cmake_parse_arguments(M "" "" "SOURCES;DEPS" ${ARGN})
  add_library(ll_${name} STATIC ${M_SOURCES})
  target_link_libraries(ll_${name} PUBLIC ${M_DEPS})
  set_property(GLOBAL APPEND PROPERTY LL_MODULES ll_${name})
endfunction()

# ll_test(NAME SOURCES... DEPS ...) builds one test program and registers it
# with ctest. Tests run from the build directory with LL_SOURCE_DIR and
# LL_TESTDATA_DIR set, so they find the reference data in tests/data.
function(ll_test name)
  cmake_parse_arguments(T "" "TIMEOUT" "SOURCES;DEPS;LABELS" ${ARGN})
  add_executable(${name} ${T_SOURCES})
  target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR}/tests)
  target_link_libraries(${name} PRIVATE ${T_DEPS})
  add_test(NAME ${name} COMMAND ${name})
  ll_test_environment(${name})
  if(T_TIMEOUT)
    set_tests_properties(${name} PROPERTIES TIMEOUT ${T_TIMEOUT})
  endif()
  if(T_LABELS)
    set_tests_properties(${name} PROPERTIES LABELS "${T_LABELS}")
  endif()
endfunction()

# ll_script_test(NAME SCRIPT) registers a shell test; it finds the CLI at $LAKELOAD.
function(ll_script_test name script)
  cmake_parse_arguments(T "" "TIMEOUT" "LABELS" ${ARGN})
  add_test(NAME ${name} COMMAND bash ${script})
  ll_test_environment(${name})
  # 77: the script found an optional tool missing (moto) and checked nothing
  set_tests_properties(${name} PROPERTIES SKIP_RETURN_CODE 77)
  if(T_TIMEOUT)
    set_tests_properties(${name} PROPERTIES TIMEOUT ${T_TIMEOUT})
  endif()
  if(T_LABELS)
    set_tests_properties(${name} PROPERTIES LABELS "${T_LABELS}")
  endif()
endfunction()

# AWS_EC2_METADATA_DISABLED: no test reaches EC2 instance metadata
# (169.254.169.254) through the credential chain; a test of that source
# clears it and points AWS_EC2_METADATA_SERVICE_ENDPOINT at its own server.
function(ll_test_environment name)
  set_tests_properties(${name} PROPERTIES ENVIRONMENT
    "LL_SOURCE_DIR=${PROJECT_SOURCE_DIR};LL_TESTDATA_DIR=${LL_TESTDATA_DIR};LL_BUILD_DIR=${PROJECT_BINARY_DIR};LAKELOAD=${PROJECT_BINARY_DIR}/src/cli/lakeload;LL_INTEROP_DIR=${PROJECT_SOURCE_DIR}/tests/interop;AWS_EC2_METADATA_DISABLED=true")
endfunction()
