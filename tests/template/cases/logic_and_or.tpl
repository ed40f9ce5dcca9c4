{{ results.tlp or 'default' }} {{ '' or 'y' }} {{ 0 and 1 }} {{ [] or 'empty' }} {{ 'a' and 'b' }}
{{ none or none }} {{ false or 0 }} {{ nothing or 'fallback' }} {{ results.nothing and 'x' }}|
{{ results.results[0].filename or 'unnamed' }} {{ 1 and 2 or 3 }} {{ 0 and 2 or 3 }}
