#pragma once
// How a kiosk service reaches the signed-in store: through StaffSession, on
// the worker thread only. With nobody signed in (a sign-out or the
// inactivity lock raced the job) the answer is PermissionDenied, which the
// screens show as "sign in again" or drop with their generation counter.
#include "kiosk/services/staff_session.hpp"
#include "storage/base/error.hpp"

namespace chasqui::kiosk {

template <class T, class Work>
storage::Result<T> withStore(StaffSession& staff, Work&& work) {
    storage::PersonalStore* store = staff.store();
    if (store == nullptr)
        return storage::fail(storage::ErrorCode::PermissionDenied, "nobody is signed in");  // i18n: not UI
    return work(*store);
}

}  // namespace chasqui::kiosk
