{% set which = '_partials/footer.tpl' %}
{% include which %}
{% include '_partials/' ~ 'header.tpl' %}
