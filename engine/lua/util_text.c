/* util_text.c - factlint.util helpers written in C for the paragraph and word rules
 * (paragraph.duplicate, spelling.variant): loops that would otherwise run word by word or fact by
 * fact in Lua. Registered into factlint.util by fl_lua_open_util. */
#include "lua/internal.h"

static const luaL_Reg util_text_funcs[] = {
    {NULL, NULL},
};

void fl_lua_open_util_text(lua_State *L)
{
    luaL_setfuncs(L, util_text_funcs, 0);
}
