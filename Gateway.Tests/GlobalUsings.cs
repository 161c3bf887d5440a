// What nearly every test file uses: one place instead of a header repeated in each.
global using System.Net;
global using Gateway.Tests.Support;
global using Xunit;
global using Xunit.Abstractions;
