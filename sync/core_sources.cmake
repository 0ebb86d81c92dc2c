# Core of sync: change records, merge rule, applying pulled changes, sealing,
# and the server's store (used by chasqui-server and by in-process tests).
set(CHASQUI_SYNC_CORE_SOURCES
  ${CMAKE_CURRENT_SOURCE_DIR}/change_codec.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/merge_rules.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/change_applier.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/sealed_box.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/kiosk_sync.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/http_server_channel.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/catalog_pull.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/device_link.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/enrollment_client.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/spool.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/sync_worker.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/server/server_store.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/server/push_processor.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/server/enrollment.cpp
)
