# Fails the configure step, with what to do, when the SQLCipher found by
# pkg-config is older than 4.6 (Debian 12's own 3.4.1 embeds SQLite 3.15 from
# 2016: no UPSERT, RETURNING, JSON or FTS5, and 3.x cipher defaults).
set(CHASQUI_SQLCIPHER_MIN 4.6)
try_run(chasqui_sqlcipher_ran chasqui_sqlcipher_compiled
        ${CMAKE_BINARY_DIR}/sqlcipher-version ${CMAKE_CURRENT_LIST_DIR}/sqlcipher_version.cpp
        CMAKE_FLAGS "-DINCLUDE_DIRECTORIES=${SQLCIPHER_INCLUDE_DIRS}"
        COMPILE_DEFINITIONS -DSQLITE_HAS_CODEC
        LINK_LIBRARIES ${SQLCIPHER_LINK_LIBRARIES}
        COMPILE_OUTPUT_VARIABLE chasqui_sqlcipher_compile_log
        RUN_OUTPUT_VARIABLE chasqui_sqlcipher_version)
string(REGEX MATCH "^[0-9]+\\.[0-9]+(\\.[0-9]+)?" chasqui_sqlcipher_number "${chasqui_sqlcipher_version}")
if(NOT chasqui_sqlcipher_compiled OR NOT chasqui_sqlcipher_ran EQUAL 0 OR chasqui_sqlcipher_number STREQUAL "")
  message(FATAL_ERROR "Cannot tell the SQLCipher version (a program linking -lsqlcipher did not build or run). "
                      "Install libsqlcipher-dev ${CHASQUI_SQLCIPHER_MIN} or newer: run scripts/setup-debian.sh "
                      "(on Debian 12 it enables bookworm-backports).\n${chasqui_sqlcipher_compile_log}")
endif()
if(chasqui_sqlcipher_number VERSION_LESS CHASQUI_SQLCIPHER_MIN)
  message(FATAL_ERROR "SQLCipher ${chasqui_sqlcipher_number} found; Chasqui needs ${CHASQUI_SQLCIPHER_MIN} or newer "
                      "(SQLite 3.46: UPSERT, RETURNING, JSON, FTS5). Run scripts/setup-debian.sh: on Debian 12 it "
                      "installs libsqlcipher-dev from bookworm-backports; on Debian 13 it is in main.")
endif()
message(STATUS "SQLCipher ${chasqui_sqlcipher_version} (SQLite ${SQLCIPHER_VERSION})")
