{{ results.results|map(attribute='plugin')|last }}
