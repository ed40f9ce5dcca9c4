{{ '<p>Hello <b>world</b>!</p>'|striptags }} {{ 'a <br/> b   c\n d'|striptags }} {{ '&lt;tag&gt; &amp; more'|striptags }} {{ '<!-- c -->x'|striptags }}
