{{ 'hello world'|title }} {{ "o'neil and mcdonald's"|title }} {{ 'HELLO wORLD'|capitalize }} {{ 'x-ray_scan 2nd'|title }}
{{ 'élan vital'|title }} {{ ''|capitalize }} {{ '  lead'|capitalize }} {{ 'tab\tsep'|title }} {{ 'a.b,c(d)'|title }}
{% for r in results.results %}
{{ r.plugin|title }} {{ r.plugin|capitalize }}
{% endfor %}
