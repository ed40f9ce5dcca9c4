{{ '%s %s'|format('only one') }}
