/* util_names.c - factlint.util helpers written in C for the name rules (name.variant,
 * name.variant-corpus): loops that would otherwise run word by word or fact by fact in Lua.
 * Registered into factlint.util by fl_lua_open_util. */
#include "lua/internal.h"

static const luaL_Reg util_names_funcs[] = {
    {NULL, NULL},
};

void fl_lua_open_util_names(lua_State *L)
{
    luaL_setfuncs(L, util_names_funcs, 0);
}
