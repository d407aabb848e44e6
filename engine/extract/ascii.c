#include "extract/ascii.h"

#define CH(c)                                                                                      \
    ((c) >= '0' && (c) <= '9'   ? FL_CH_DIGIT                                                      \
     : (c) >= 'A' && (c) <= 'Z' ? FL_CH_ALPHA | FL_CH_UPPER                                        \
     : (c) >= 'a' && (c) <= 'z' ? FL_CH_ALPHA                                                      \
                                : 0)
#define LC(c) ((unsigned char)((c) >= 'A' && (c) <= 'Z' ? (c) + 32 : (c)))

/* F(c) for the 256 bytes */
#define X4(F, c)  F(c), F((c) + 1), F((c) + 2), F((c) + 3)
#define X16(F, c) X4(F, c), X4(F, (c) + 4), X4(F, (c) + 8), X4(F, (c) + 12)
#define X64(F, c) X16(F, c), X16(F, (c) + 16), X16(F, (c) + 32), X16(F, (c) + 48)

const unsigned char fl_ascii_class[256] = {X64(CH, 0), X64(CH, 64), X64(CH, 128), X64(CH, 192)};
const unsigned char fl_ascii_lower[256] = {X64(LC, 0), X64(LC, 64), X64(LC, 128), X64(LC, 192)};
