#ifndef MPP_CSODIUM_SHIM_H
#define MPP_CSODIUM_SHIM_H
#include <sodium.h>
#endif
