{% set title = 'Weekly digest' %}
{% include '_partials/title.tpl' with context %}

{% include '_partials/title_only.tpl' with context %}

{% include '_partials/title_only.tpl' without context %}

