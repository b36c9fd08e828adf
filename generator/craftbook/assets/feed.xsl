<?xml version="1.0" encoding="utf-8"?>
<!--
  Craftbook: an Atom feed opened in a browser, shown as a Korean page instead of raw XML.
  Every feed of the site names this file (craftbook/feeds.py, relative to the feed, so it
  works under a sub-path); feed readers ignore it. The page says what a feed is, gives
  the address to copy into a reader and lists the entries. Everything it needs is inline:
  no stylesheet, font or script is fetched from anywhere. (In attributes of the page, `{`
  starts an XPath expression: the copy button's script doubles its braces.)
-->
<xsl:stylesheet version="1.0"
  xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
  xmlns:a="http://www.w3.org/2005/Atom"
  exclude-result-prefixes="a">
  <xsl:output method="html" encoding="utf-8" indent="yes" doctype-system="about:legacy-compat"/>

  <xsl:template match="/a:feed">
    <xsl:variable name="self" select="a:link[@rel='self']/@href"/>
    <xsl:variable name="home" select="a:link[@rel='alternate']/@href"/>
    <xsl:variable name="help" select="a:link[@rel='help']/@href"/>
    <html lang="ko">
      <head>
        <meta charset="utf-8"/>
        <meta name="viewport" content="width=device-width, initial-scale=1"/>
        <meta name="color-scheme" content="light dark"/>
        <!-- No icon: without this line the browser asks the server's root for favicon.ico. -->
        <link rel="icon" href="data:,"/>
        <title><xsl:value-of select="a:title"/> (구독용 피드)</title>
        <style>
          :root {
            --fg: #1f2330; --muted: #5c6170; --bg: #f5f6fa; --card: #ffffff; --line: #dcdfea;
            --primary: #4051b5; --on-primary: #ffffff; --link: #3949ab; --accent: #ff6e42;
            color-scheme: light dark;
          }
          @media (prefers-color-scheme: dark) {
            :root {
              --fg: #e3e5ee; --muted: #a6abbd; --bg: #1e2129; --card: #272b36; --line: #3a3f4d;
              --link: #a9b4ff;
            }
          }
          * { box-sizing: border-box; }
          html { -webkit-text-size-adjust: 100%; }
          body {
            margin: 0; background: var(--bg); color: var(--fg); line-height: 1.7;
            font-family: "Pretendard", "Apple SD Gothic Neo", "Malgun Gothic", "맑은 고딕",
              "Noto Sans KR", "Noto Sans CJK KR", system-ui, -apple-system, "Segoe UI", sans-serif;
            word-break: keep-all; overflow-wrap: anywhere;
          }
          a { color: var(--link); }
          header { background: var(--primary); color: var(--on-primary); }
          header .inner, main { max-width: 46rem; margin: 0 auto; padding: 1rem; }
          header p { margin: 0; font-size: .85rem; opacity: .9; }
          header h1 { margin: .25rem 0 0; font-size: 1.5rem; line-height: 1.4; }
          header p.subtitle { margin: .35rem 0 0; font-size: .95rem; }
          header a { color: inherit; }
          .about { background: var(--card); border: 1px solid var(--line); border-radius: .5rem; padding: 1rem; margin: 1rem 0 1.5rem; }
          .about p { margin: 0 0 .75rem; }
          .address { display: flex; flex-wrap: wrap; gap: .5rem; margin: 0 0 .75rem; }
          .address input {
            flex: 1 1 16rem; min-width: 0; font: inherit; font-size: .9rem; padding: .45rem .6rem;
            border: 1px solid var(--line); border-radius: .3rem; background: var(--bg); color: var(--fg);
          }
          .address button {
            flex: 0 0 auto; font: inherit; font-size: .9rem; padding: .45rem 1rem; border: 0; border-radius: .3rem;
            background: var(--primary); color: var(--on-primary); cursor: pointer;
          }
          .address button:focus-visible, .address input:focus-visible { outline: 2px solid var(--accent); outline-offset: 2px; }
          .links { margin: 0; font-size: .9rem; }
          h2 { font-size: 1.15rem; margin: 0 0 .75rem; }
          ol.entries { list-style: none; margin: 0; padding: 0; }
          ol.entries li { background: var(--card); border: 1px solid var(--line); border-radius: .5rem; padding: .9rem 1rem; margin: 0 0 .75rem; }
          .meta { margin: 0; font-size: .8rem; color: var(--muted); }
          .title { margin: .15rem 0 .35rem; font-size: 1.05rem; font-weight: 700; line-height: 1.5; }
          .title a { text-decoration: none; }
          .title a:hover { text-decoration: underline; }
          .summary { margin: 0; font-size: .95rem; }
          .empty { color: var(--muted); }
          /* feed.css keeps this feed readable in browsers without XSLT, so Chromium's
             notice that the page will stop displaying correctly does not apply here. */
          xslt-warning-banner { display: none !important; }
        </style>
      </head>
      <body>
        <header>
          <div class="inner">
            <p>구독용 피드(Atom)</p>
            <h1><xsl:value-of select="a:title"/></h1>
            <p class="subtitle"><xsl:value-of select="a:subtitle"/></p>
          </div>
        </header>
        <main>
          <section class="about" aria-labelledby="about-title">
            <h2 id="about-title">이 피드를 구독하려면</h2>
            <p>이 페이지는 RSS 리더로 구독하는 피드입니다. 아래 주소를 복사해 RSS 리더(Feedly, Inoreader, NetNewsWire, Thunderbird 등)의 ‘구독 추가’에 붙여 넣으면, 새 글이 올라올 때마다 리더에서 받아 볼 수 있습니다.</p>
            <div class="address">
              <input id="feed-address" type="text" readonly="readonly" aria-label="피드 주소" value="{$self}" onfocus="this.select()"/>
              <button type="button" data-copy-feed="" onclick="var i=document.getElementById('feed-address'),b=this;i.select();(navigator.clipboard?navigator.clipboard.writeText(i.value):Promise.reject()).catch(function(){{document.execCommand('copy')}}).then(function(){{b.textContent='복사했습니다'}})">주소 복사</button>
            </div>
            <p class="links">
              <a href="{$home}">사이트에서 보기</a>
              <xsl:if test="$help"> · <a href="{$help}">구독 방법 자세히 보기</a></xsl:if>
            </p>
          </section>
          <section aria-labelledby="entries-title">
            <h2 id="entries-title">최근 글 <xsl:value-of select="count(a:entry)"/>개</h2>
            <xsl:choose>
              <xsl:when test="a:entry">
                <ol class="entries">
                  <xsl:apply-templates select="a:entry"/>
                </ol>
              </xsl:when>
              <xsl:otherwise>
                <p class="empty">아직 실린 글이 없습니다.</p>
              </xsl:otherwise>
            </xsl:choose>
          </section>
        </main>
      </body>
    </html>
  </xsl:template>

  <xsl:template match="a:entry">
    <li data-entry="">
      <p class="meta">
        <xsl:value-of select="a:category[not(@scheme)]/@label"/>
        <xsl:for-each select="a:category[@scheme]"> · <xsl:value-of select="@label"/></xsl:for-each>
        <xsl:text> · </xsl:text>
        <xsl:call-template name="korean-date">
          <xsl:with-param name="stamp" select="a:updated"/>
        </xsl:call-template>
      </p>
      <p class="title"><a href="{a:link[@rel='alternate']/@href}"><xsl:value-of select="a:title"/></a></p>
      <p class="summary"><xsl:value-of select="a:summary"/></p>
    </li>
  </xsl:template>

  <!-- 2026-11-20T00:00:00Z → 2026년 11월 20일 -->
  <xsl:template name="korean-date">
    <xsl:param name="stamp"/>
    <xsl:value-of select="concat(substring($stamp, 1, 4), '년 ', number(substring($stamp, 6, 2)), '월 ', number(substring($stamp, 9, 2)), '일')"/>
  </xsl:template>
</xsl:stylesheet>
