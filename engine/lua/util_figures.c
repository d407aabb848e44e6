/* util_figures.c - factlint.util helpers written in C for the figure and date rules
 * (figure.conflict, number.arithmetic, date.dateline-conflict): loops that would otherwise run word
 * by word or fact by fact in Lua. Registered into factlint.util by fl_lua_open_util. */
#include "lua/internal.h"

static const luaL_Reg util_figures_funcs[] = {
    {NULL, NULL},
};

void fl_lua_open_util_figures(lua_State *L)
{
    luaL_setfuncs(L, util_figures_funcs, 0);
}
