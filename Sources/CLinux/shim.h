#ifndef LOGITD_CLINUX_SHIM_H
#define LOGITD_CLINUX_SHIM_H
// What Swift's Glibc module leaves out of Linux's headers: epoll for HTTPServer's event loops,
// the CPUs the process may use (how many loops), a thread's name (the loops' threads), and mallopt
// for the executable's arena cap.
// Empty elsewhere, so the module imports on any platform.
#if defined(__linux__)
#include <malloc.h>
#include <pthread.h>
#include <sched.h>
#include <sys/epoll.h>

// glibc declares sched_getaffinity only under _GNU_SOURCE, which this module cannot define (its
// structs would then differ from the same headers in other modules), and CPU_COUNT is a macro.
extern int sched_getaffinity(__pid_t pid, size_t size, cpu_set_t *set);

// The CPUs this process may run on (taskset, cpusets), or 0 if the kernel will not say.
static inline int clinux_affinity_cpu_count(void) {
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof(set), &set) != 0) return 0;
    int count = 0;
    for (size_t i = 0; i < sizeof(set.__bits) / sizeof(set.__bits[0]); i++) count += __builtin_popcountl(set.__bits[i]);
    return count;
}

// Also _GNU_SOURCE only. Names a thread (15 bytes at most, longer names are refused).
extern int pthread_setname_np(pthread_t thread, const char *name);
#endif
#endif
