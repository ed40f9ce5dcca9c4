{{ 1023|filesizeformat(true) }} {{ 1024|filesizeformat(true) }} {{ 1536|filesizeformat(binary=true) }} {{ 1048576|filesizeformat(true) }} {{ 3.5|filesizeformat }}
{% for r in results.results %}
{{ r.size|filesizeformat(true) }}
{% endfor %}
