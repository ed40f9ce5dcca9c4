{{ results.results|selectattr('plugin')|length }}
