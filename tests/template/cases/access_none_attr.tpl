[{{ none.x }}] [{{ results.tlp.x }}] [{{ (none)['k'] }}]
