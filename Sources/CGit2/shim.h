#ifndef SLIPWAY_CGIT2_SHIM_H
#define SLIPWAY_CGIT2_SHIM_H

#include <git2.h>
#include <git2/sys/mempack.h>
#include <git2/sys/odb_backend.h>

// git_libgit2_opts is variadic, which Swift cannot call; these wrappers fix the argument types.

/// Turns libgit2's repository-owner check on or off (CI checkouts are often owned by another user).
static inline int slipway_git_set_owner_validation(int enabled) {
    return git_libgit2_opts(GIT_OPT_SET_OWNER_VALIDATION, enabled);
}

/// Turns strict object creation (validating every object written) on or off.
static inline int slipway_git_set_strict_object_creation(int enabled) {
    return git_libgit2_opts(GIT_OPT_ENABLE_STRICT_OBJECT_CREATION, enabled);
}

/// Sets the size of libgit2's object cache in bytes.
static inline int slipway_git_set_cache_max_size(long long bytes) {
    return git_libgit2_opts(GIT_OPT_SET_CACHE_MAX_SIZE, (ssize_t)bytes);
}

#endif
