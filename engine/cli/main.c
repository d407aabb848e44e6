#include <stdio.h>
int main(void) { puts("factlint " FL_VERSION); return 0; }
