// libc functions that Swift's Glibc module does not bring in.
#include <stddef.h>

#if defined(__linux__)
// glibc's allocator settings (mallopt, M_MMAP_THRESHOLD).
#include <malloc.h>
#include <pthread.h>

// A GNU extension: names a thread for ps, top -H and perf (15 bytes at most).
int pthread_setname_np(pthread_t thread, const char *name);
#endif

// A GNU extension (also in Darwin's libc), declared here because the Glibc module is built
// without _GNU_SOURCE.
void *memmem(const void *haystack, size_t haystacklen, const void *needle, size_t needlelen);
