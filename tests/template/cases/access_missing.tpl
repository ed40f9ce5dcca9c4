{{ results.nothing }}|{{ results.results[99] }}|{{ results['nope'] }}|{{ results.results[0].nope }}
{{ results.nothing is defined }} {{ results.results[99] is defined }} {{ results.results[0].nope is defined }}
