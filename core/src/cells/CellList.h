// The cell registry's list: one line per cell, in the order menus show them.
// Each name is a function defined in that cell's file (e.g. Gru.cpp:
// `const Cell& gruCell()`). To add a cell, add its file and one line here.
#pragma once

#define TRAVELLER_CELL_LIST(X) \
    X(rnnCell)                 \
    X(gruCell)                 \
    X(lstmCell)                \
    X(minGruCell)              \
    X(minLstmCell)             \
    X(rnnReluCell)             \
    X(gruResetCell)            \
    X(gruUpdateCell)           \
    /* end of the list */
