// zlib, for reading compressed upstream responses (gzip/deflate) to find their usage.
#include <zlib.h>
