/// Catalog verbs: regions, sites, services (issue: catalog service).
let catalogCommands: [any Command] = [CatalogCommand(), RegionsCommand(), SitesCommand()]
