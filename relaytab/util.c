/* util.c - placeholder */
#include "util.h"
