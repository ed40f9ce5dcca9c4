[{{ nothing }}] [{{ results.nothing }}] [{{ results.results[42] }}] [{{ results['no such key'] }}]
