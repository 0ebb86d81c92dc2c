# chasqui_fault_proxy: the FaultProxy (tests/support/fault_proxy.hpp) as a
# library of its own, linked by the sync test suites and by chasqui-bench.
# Included from bench/ and tests/, whichever comes first defines it.
if(NOT TARGET chasqui_fault_proxy)
  find_package(Threads REQUIRED)
  add_library(chasqui_fault_proxy STATIC ${CMAKE_SOURCE_DIR}/tests/support/fault_proxy.cpp)
  target_include_directories(chasqui_fault_proxy PUBLIC ${CMAKE_SOURCE_DIR})
  target_link_libraries(chasqui_fault_proxy PUBLIC Threads::Threads PRIVATE chasqui_warnings)
endif()
