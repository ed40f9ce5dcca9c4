{% for r in results.results if r.plugin == 'exif' %}
{% for k in r.scan|keys|sort %}
{{ k|lower }}: {{ r.scan[k] if r.scan[k] is not none else '' }}
{% endfor %}
keywords: {{ r.scan.Keywords|replace(',', ' /')|title }}
title: {{ r.scan.Title|capitalize }} / {{ r.scan.Title|title }} / {{ r.scan.Title|wordcount }} words
{% endfor %}
