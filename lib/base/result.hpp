// Result<T>: a value or an Errno, the error-as-value type used everywhere in
// the hypervisor (built without exceptions). TRY() propagates an error.
#pragma once

#include <new>
#include <type_traits>
#include <utility>

#include "abi/xen/errno.hpp"
#include "lib/base/assert.hpp"

namespace cxen {

/// Tag for constructing a failed Result: `return Err(Errno::XEN_EINVAL);`
struct Err {
    Errno e;
    constexpr explicit Err(Errno err) : e(err) {}
};

template <typename T> class [[nodiscard]] Result {
  public:
    Result(const T& v) : ok_(true) { new (&storage_) T(v); }
    Result(T&& v) : ok_(true) { new (&storage_) T(std::move(v)); }
    Result(Err err) : ok_(false), err_(err.e) { ASSERT(err.e != Errno::OK); }
    Result(const Result& o) : ok_(o.ok_), err_(o.err_) {
        if (ok_) new (&storage_) T(o.value_ref());
    }
    Result(Result&& o) : ok_(o.ok_), err_(o.err_) {
        if (ok_) new (&storage_) T(std::move(o.value_ref()));
    }
    Result& operator=(const Result&) = delete;
    ~Result() {
        if (ok_) value_ref().~T();
    }

    bool ok() const { return ok_; }
    explicit operator bool() const { return ok_; }
    Errno error() const { return ok_ ? Errno::OK : err_; }
    /// The hypercall return value: 0 on success, -errno on failure.
    long rc() const { return ok_ ? 0 : -static_cast<long>(err_); }

    T& value() {
        ASSERT(ok_);
        return value_ref();
    }
    const T& value() const {
        ASSERT(ok_);
        return value_ref();
    }
    T& operator*() { return value(); }
    T* operator->() { return &value(); }
    T value_or(T fallback) const { return ok_ ? value_ref() : fallback; }

  private:
    T& value_ref() { return *std::launder(reinterpret_cast<T*>(&storage_)); }
    const T& value_ref() const { return *std::launder(reinterpret_cast<const T*>(&storage_)); }

    bool ok_;
    Errno err_ = Errno::OK;
    alignas(T) unsigned char storage_[sizeof(T)];
};

/// Result<void>: success or an Errno.
template <> class [[nodiscard]] Result<void> {
  public:
    Result() = default;
    Result(Err err) : err_(err.e) { ASSERT(err.e != Errno::OK); }
    bool ok() const { return err_ == Errno::OK; }
    explicit operator bool() const { return ok(); }
    Errno error() const { return err_; }
    long rc() const { return -static_cast<long>(err_); }

  private:
    Errno err_ = Errno::OK;
};

using Status = Result<void>;

inline Status ok_status() { return Status(); }

} // namespace cxen

/// Evaluate a Result-returning expression; on error return the Errno from the
/// enclosing function (which must return a Result), else yield the value.
#define TRY(expr)                                                                                  \
    ({                                                                                             \
        auto _try_res = (expr);                                                                    \
        if (!_try_res.ok()) return ::cxen::Err(_try_res.error());                                  \
        ::cxen::detail::take(std::move(_try_res));                                                 \
    })

namespace cxen::detail {
template <typename T> T take(Result<T>&& r) { return std::move(r.value()); }
inline void take(Result<void>&&) {}
} // namespace cxen::detail
